//go:build windows

package main

// iisHost is true where IIS runs: there, without -c, $POOLCTL_CONFIG or a file in
// the working directory, poolctl reads IIS's own applicationHost.config.
const iisHost = true

// configDefaultHelp says, in the help of -c, which file is read without it.
const configDefaultHelp = "$" + configEnv + ", then ./" + defaultConfig + `, then IIS's %windir%` + iisConfigTail
