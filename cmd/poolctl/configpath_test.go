package main

import (
	"io/fs"
	"os"
	"testing"
)

func TestDefaultConfigPath(t *testing.T) {
	const iisConfig = `C:\Windows\System32\inetsrv\config\applicationHost.config`
	tests := []struct {
		name    string
		iis     bool
		env     map[string]string
		statErr error // what stat says of ./applicationHost.config
		want    string
	}{
		{"not Windows, none here", false, map[string]string{"windir": `C:\Windows`}, fs.ErrNotExist, "applicationHost.config"},
		{"Windows, one here", true, map[string]string{"windir": `C:\Windows`}, nil, "applicationHost.config"},
		{"Windows, none here", true, map[string]string{"windir": `C:\Windows`}, fs.ErrNotExist, iisConfig},
		{"Windows, windir with a trailing backslash", true, map[string]string{"windir": `C:\Windows\`}, fs.ErrNotExist, iisConfig},
		{"Windows, windir unset, SystemRoot set", true, map[string]string{"SystemRoot": `C:\Windows`}, fs.ErrNotExist, iisConfig},
		{"Windows, windir before SystemRoot", true, map[string]string{"windir": `D:\Win`, "SystemRoot": `C:\Windows`}, fs.ErrNotExist, `D:\Win\System32\inetsrv\config\applicationHost.config`},
		{"Windows, neither set", true, nil, fs.ErrNotExist, "applicationHost.config"},
		{"Windows, one here that cannot be read", true, map[string]string{"windir": `C:\Windows`}, fs.ErrPermission, "applicationHost.config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stat := func(name string) (fs.FileInfo, error) {
				if name != "applicationHost.config" {
					t.Errorf("stat(%q), want stat(applicationHost.config)", name)
				}
				if tt.statErr != nil {
					return nil, &fs.PathError{Op: "stat", Path: name, Err: tt.statErr}
				}
				return os.Stat(".") // any FileInfo: the file is there
			}
			if got := defaultConfigPath(tt.iis, func(k string) string { return tt.env[k] }, stat); got != tt.want {
				t.Errorf("defaultConfigPath = %q, want %q", got, tt.want)
			}
		})
	}
}
