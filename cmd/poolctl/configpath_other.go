//go:build !windows

package main

// iisHost is false where IIS does not run: only -c, $POOLCTL_CONFIG or the working
// directory name a configuration file.
const iisHost = false

// configDefaultHelp says, in the help of -c, which file is read without it.
const configDefaultHelp = "$" + configEnv + ", then ./" + defaultConfig
