//go:build linux

package main

import "github.com/poolctl/poolctl/runtime/admin"

// socket returns the admin socket's path: --admin, else the default for the user.
func (o *adminOptions) socket(g *globalOptions) string {
	if o.path != "" {
		return o.path
	}
	return admin.DefaultSocketPath(g.getenv)
}

// client returns a client of the admin socket.
func (o *adminOptions) client(g *globalOptions) *admin.Client {
	return admin.NewClient(o.socket(g))
}
