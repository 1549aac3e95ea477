package main

import "testing"

func TestConfigPath(t *testing.T) {
	for _, tc := range []struct {
		name     string
		flag     string
		env      string
		wantPath string
		wantHow  string
	}{
		{"default", "", "", "applicationHost.config", "default"},
		{"env", "", `C:\inetpub\applicationHost.config`, `C:\inetpub\applicationHost.config`, "$POOLCTL_CONFIG"},
		{"flag", "conf/app.config", "", "conf/app.config", "-c"},
		{"flag before env", "conf/app.config", "/etc/app.config", "conf/app.config", "-c"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := &globalOptions{config: tc.flag, getenv: func(name string) string {
				if name == configEnv {
					return tc.env
				}
				return ""
			}}
			path, how := o.configPath()
			if path != tc.wantPath || how != tc.wantHow {
				t.Errorf("configPath() = %q, %q; want %q, %q", path, how, tc.wantPath, tc.wantHow)
			}
		})
	}
}
