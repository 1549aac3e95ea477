package main

import (
	"errors"
	"io/fs"
	"strings"
)

// defaultConfig is the configuration file read when neither -c nor configEnv names
// one: applicationHost.config in the working directory.
const defaultConfig = "applicationHost.config"

// iisConfigTail is where IIS keeps its applicationHost.config under %windir%
// (https://learn.microsoft.com/en-us/iis/get-started/planning-your-iis-architecture/introduction-to-applicationhostconfig).
// A 64-bit process sees the real System32 (poolctl is released for amd64 and arm64
// only); a 32-bit one would be redirected to SysWOW64, which holds no such file
// (https://learn.microsoft.com/en-us/windows/win32/winprog64/file-system-redirector).
const iisConfigTail = `\System32\inetsrv\config\applicationHost.config`

// defaultConfigPath returns the configuration file read when neither -c nor
// $POOLCTL_CONFIG names one: ./applicationHost.config when the working directory has
// one (stat says so: any answer but "does not exist"), or when iis is false (not an
// IIS host: not Windows). On Windows without one there, it is IIS's own,
// %windir%\System32\inetsrv\config\applicationHost.config (%SystemRoot% when %windir%
// is unset); with neither variable set it stays ./applicationHost.config, whose
// error then says it is missing.
func defaultConfigPath(iis bool, getenv func(string) string, stat func(string) (fs.FileInfo, error)) string {
	if !iis {
		return defaultConfig
	}
	if _, err := stat(defaultConfig); !errors.Is(err, fs.ErrNotExist) {
		return defaultConfig
	}
	for _, name := range [...]string{"windir", "SystemRoot"} {
		if dir := strings.TrimRight(getenv(name), `\/`); dir != "" {
			return dir + iisConfigTail
		}
	}
	return defaultConfig
}
