package appcmd

import (
	"testing"
	"time"
)

func TestRequestFilter(t *testing.T) {
	f, err := ParseRequestFilter("shop", []string{"/wp.name:42", "/site.name:Shop Site", "/elapsed:1500"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name       string
		pool, site string
		pid        int
		elapsed    time.Duration
		want       bool
	}{
		{"all match", "Shop", "shop site", 42, 2 * time.Second, true},
		{"another pool", "Batch", "Shop Site", 42, 2 * time.Second, false},
		{"another worker", "Shop", "Shop Site", 43, 2 * time.Second, false},
		{"another site", "Shop", "Other", 42, 2 * time.Second, false},
		{"too recent", "Shop", "Shop Site", 42, time.Second, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := f.Match(tt.pool, tt.site, tt.pid, tt.elapsed); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
	for _, bad := range []string{"/wp.name:x", "/elapsed:-", "/state:Started", "/elapsed"} {
		if _, err := ParseRequestFilter("", []string{bad}); err == nil {
			t.Errorf("ParseRequestFilter(%q) = nil error", bad)
		}
	}
}

func TestRequestLine(t *testing.T) {
	got := Request("00000000000000ff", "GET", "shop.test:80/cart?id=7", "192.0.2.7", 4276*time.Millisecond)
	want := `REQUEST "00000000000000ff" (url:GET /cart?id=7, time:4276 msec, client:192.0.2.7, stage:ExecuteRequestHandler, module:AspNetCoreModuleV2)`
	if got != want {
		t.Errorf("Request =\n%s\nwant\n%s", got, want)
	}
}
