//go:build linux

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/printers"
	"github.com/poolctl/poolctl/runtime/identity"
	"github.com/poolctl/poolctl/runtime/spec"
)

// identityOptions are the flags of "poolctl identity".
type identityOptions struct {
	format *choice
}

// newIdentityCmd builds "poolctl identity": the Linux account a pool's workers run as.
func newIdentityCmd(g *globalOptions) *cobra.Command {
	opts := &identityOptions{format: newChoice("text", "text", "json")}
	cmd := &cobra.Command{
		Use:   "identity POOL",
		Short: "Print the Linux account a pool's workers run as",
		Long: `Identity prints the account that poolctl run runs the pool's workers as, from its
processModel identityType: its type, its name as IIS spells it, its user and group
ids and its groups, so that files can be granted to it.

  LocalSystem              root (and a warning)
  LocalService             the user nobody
  NetworkService           the user nobody
  SpecificUser             userName, looked up in the system's user database (as
                           written, then the part after a backslash: CONTOSO\svc
                           is svc); one that does not exist is an error
  ApplicationPoolIdentity  a user id of the pool's own from the range
                           61184-65519 (systemd's DynamicUser range), derived from
                           the pool's name: the same on every run, and never the
                           same as another pool's

Pool names compare case-insensitively, as in IIS.`,
		Example: `  poolctl identity -c testdata/sample/applicationHost.config DefaultAppPool
  poolctl identity Shop --format json | jq .uid
  chown -R "$(poolctl identity Shop --format json | jq .uid)" /srv/shop/uploads`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeOnePool(g),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, a, err := poolAccount(g, args[0])
			if err != nil {
				return err
			}
			if opts.format.value == "json" {
				err = writeIdentityJSON(cmd.OutOrStdout(), name, a)
			} else {
				err = writeIdentityText(cmd.OutOrStdout(), name, a)
			}
			if err != nil {
				return fmt.Errorf("write identity: %w", err)
			}
			return nil
		},
	}
	opts.format.addFlag(cmd, "format", "output format")
	return cmd
}

// completeOnePool completes the one pool name identity takes.
func completeOnePool(g *globalOptions) cobra.CompletionFunc {
	pools := completePools(g)
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return pools(cmd, args, toComplete)
	}
}

// poolAccount returns the account of the pool named name, with the pool's name as the
// pool spells it. The accounts of every pool are resolved together, as poolctl run
// resolves them, so that ApplicationPoolIdentity ids are those run uses.
func poolAccount(g *globalOptions, name string) (string, identity.Account, error) {
	cfg, err := g.load()
	if err != nil {
		return "", identity.Account{}, err
	}
	// Identities need no web.config: reading none keeps the command quick and quiet.
	noFiles := func(string) ([]byte, error) { return nil, fs.ErrNotExist }
	sp, _, err := spec.Build(cfg, spec.Options{Getenv: g.getenv, ReadFile: noFiles})
	if err != nil {
		return "", identity.Account{}, err
	}
	p := sp.Pool(name)
	if p == nil {
		return "", identity.Account{}, fmt.Errorf("no pool %q in %s (pools: %s)", name, cfg.Doc.Name, poolNames(cfg))
	}
	accounts, errs := identity.ResolveAll(sp.Pools, identity.Options{})
	if err := identity.ErrorsByPool(errs)[p.Name]; err != nil {
		return "", identity.Account{}, err
	}
	return p.Name, accounts[p.Name], nil
}

// writeIdentityText writes the account as an aligned list of fields.
func writeIdentityText(w io.Writer, pool string, a identity.Account) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "pool\t%s\n", pool)
	fmt.Fprintf(tw, "type\t%s\n", a.Type)
	fmt.Fprintf(tw, "name\t%s\n", a.Name)
	fmt.Fprintf(tw, "user\t%s\n", printers.OrDash(a.User))
	fmt.Fprintf(tw, "uid\t%d\n", a.UID)
	fmt.Fprintf(tw, "gid\t%d\n", a.GID)
	fmt.Fprintf(tw, "groups\t%s\n", printers.OrDash(idList(a.Groups)))
	if a.Warning != "" {
		fmt.Fprintf(tw, "warning\t%s\n", a.Warning)
	}
	return tw.Flush()
}

// idList joins ids with commas.
func idList(ids []uint32) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatUint(uint64(id), 10)
	}
	return strings.Join(parts, ",")
}

// identityJSON is "poolctl identity --format json".
type identityJSON struct {
	Pool    string   `json:"pool"`
	Type    string   `json:"type"`
	Name    string   `json:"name"`
	User    string   `json:"user,omitempty"`
	UID     uint32   `json:"uid"`
	GID     uint32   `json:"gid"`
	Groups  []uint32 `json:"groups"`
	Warning string   `json:"warning,omitempty"`
}

// writeIdentityJSON writes the account as indented JSON; groups are never null.
func writeIdentityJSON(w io.Writer, pool string, a identity.Account) error {
	doc := identityJSON{Pool: pool, Type: a.Type, Name: a.Name, User: a.User, UID: a.UID, GID: a.GID,
		Groups: append([]uint32{}, a.Groups...), Warning: a.Warning}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
