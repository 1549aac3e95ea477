package confdir

import "testing"

func TestPath(t *testing.T) {
	tests := []struct {
		name string
		root bool
		env  map[string]string
		want string
	}{
		{"root", true, map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/home/u"}, "/etc/poolctl/certs"},
		{"XDG_CONFIG_HOME", false, map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/home/u"}, "/x/poolctl/certs"},
		{"HOME", false, map[string]string{"HOME": "/home/u"}, "/home/u/.config/poolctl/certs"},
		{"neither", false, nil, ".config/poolctl/certs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Path(tt.root, func(k string) string { return tt.env[k] }, "certs"); got != tt.want {
				t.Errorf("Path = %q, want %q", got, tt.want)
			}
		})
	}
}
