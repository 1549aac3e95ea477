package validate

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/schema"
	"github.com/poolctl/poolctl/secret"
)

// checkReferences reports what IIS loads without complaint but finds wrong when a pool
// or an application runs: applications whose pool does not exist (PC201), a
// SpecificUser identity without a user name (PC202), a password no identity uses
// (PC203), and pools no application uses (PC204).
func checkReferences(p *pass) {
	checkApplicationPools(p)
	f := newPoolFindings(p)
	for _, pool := range distinctPools(p.cfg) {
		id, idv, ok := poolValue(pool, "processModel.identityType")
		if !ok {
			// The schema check reports the identity; without it neither rule can tell.
			vetoPassword(f, pool)
			continue
		}
		checkSpecificUser(f, pool, id, idv)
		if !p.errorsOnly { // PC203 is a warning
			checkUnusedPassword(f, pool, idv)
		}
	}
	f.flush()
	if !p.errorsOnly { // PC204 is an info
		checkUnusedPools(p)
	}
}

// distinctPools returns the first pool of each name, in document order. A later pool
// of the same name is a duplicate key, which the schema check reports and IIS refuses;
// its values are not checked again.
func distinctPools(cfg *parse.Config) []*parse.Pool {
	var out []*parse.Pool
	for _, pool := range cfg.Pools() {
		if cfg.Pool(pool.Name) == pool {
			out = append(out, pool)
		}
	}
	return out
}

// checkApplicationPools reports PC201 for every application whose effective pool does
// not exist or is not named at any level. The finding is at the value that names the
// pool, else at the <application> element.
func checkApplicationPools(p *pass) {
	closest := map[string]string{} // unknown pool name -> closest existing name
	for _, app := range p.cfg.Applications() {
		if app.PoolOrigin != parse.PoolUnset && p.cfg.Pool(app.Pool) != nil {
			continue
		}
		pos := app.PoolPos()
		if !pos.IsValid() {
			pos = app.Pos()
		}
		if app.PoolOrigin == parse.PoolUnset {
			p.report(RuleUnknownPool, app.Doc, pos, unsetPoolFix(p.cfg),
				"application %q of site %q has no pool: no applicationPool is set at any level (the application, the site's <applicationDefaults>, <sites><applicationDefaults>)",
				app.Path, app.Site.Name)
			continue
		}
		near, ok := closest[app.Pool]
		if !ok {
			near = closestPoolName(app.Pool, p.cfg.Pools())
			closest[app.Pool] = near
		}
		p.report(RuleUnknownPool, app.Doc, pos, unknownPoolFix(app.Pool, near),
			"application %q of site %q runs in pool %q, named by %s, but no pool has that name",
			app.Path, app.Site.Name, app.Pool, poolSourceText(app.PoolOrigin))
	}
}

// poolSourceText says, for a message, which element names an application's pool.
func poolSourceText(o parse.PoolOrigin) string {
	switch o {
	case parse.PoolFromApplication:
		return "its applicationPool attribute"
	case parse.PoolFromSiteDefaults:
		return "the site's <applicationDefaults>"
	case parse.PoolFromSitesDefaults:
		return "<sites><applicationDefaults>"
	}
	return "no element"
}

// unknownPoolFix suggests the closest existing pool name, near ("" when there is no
// pool at all), or adding the missing pool.
func unknownPoolFix(name, near string) string {
	add := fmt.Sprintf("add <add name=%q /> to <applicationPools>", name)
	switch {
	case near == "":
		return add
	case poolNameDistance(name, near, closeEnough(name)) <= closeEnough(name):
		return fmt.Sprintf("did you mean %q? Otherwise %s", near, add)
	}
	return fmt.Sprintf("name an existing pool (the closest is %q) or %s", near, add)
}

// unsetPoolFix suggests where to name a pool, with the first existing pool as the
// example.
func unsetPoolFix(cfg *parse.Config) string {
	fix := "set applicationPool on the application, in its site's <applicationDefaults> or in <sites><applicationDefaults>"
	if pools := cfg.Pools(); len(pools) > 0 {
		fix += fmt.Sprintf(", for example applicationPool=%q", pools[0].Name)
	}
	return fix
}

// closeEnough is the largest edit distance at which a pool name is offered as "did you
// mean": two edits, or a third of the name for long names.
func closeEnough(name string) int {
	return max(2, utf8.RuneCountInString(name)/3)
}

// closestPoolName returns the name of the pool closest to name by edit distance,
// compared case-insensitively as IIS compares pool names; the first pool wins a tie.
// It returns "" when there are no pools.
func closestPoolName(name string, pools []*parse.Pool) string {
	best, bestDist := "", -1
	for _, pool := range pools {
		limit := bestDist - 1
		if bestDist < 0 {
			limit = utf8.RuneCountInString(name) + utf8.RuneCountInString(pool.Name)
		}
		if d := poolNameDistance(name, pool.Name, limit); d <= limit {
			best, bestDist = pool.Name, d
		}
	}
	return best
}

// poolNameDistance returns the edit distance between two pool names, ignoring letter
// case as IIS compares pool names, or limit+1 once it is known to exceed limit.
func poolNameDistance(a, b string, limit int) int {
	return editDistance(strings.ToLower(a), strings.ToLower(b), limit)
}

// checkSpecificUser reports PC202: an effective identityType (id, parsed as idv) of
// SpecificUser with an empty effective userName. The finding is at whichever of the two
// values is written at the strongest level, identityType on a tie.
func checkSpecificUser(f *poolFindings, pool *parse.Pool, id parse.Setting, idv schema.Value) {
	if !isEnum(idv, "SpecificUser") {
		return
	}
	user, ok := pool.Setting("processModel.userName")
	if !ok || strings.TrimSpace(user.Text) != "" {
		return
	}
	f.add(RuleSpecificUserNoName, pool, strongest(blameSetting(pool, id), blameSetting(pool, user)),
		`set processModel userName="DOMAIN\account" and its password, or use identityType="ApplicationPoolIdentity"`,
		"identityType is SpecificUser but no userName is set, so WAS cannot log on the identity and stops the pool")
}

// checkUnusedPassword reports PC203: a password written in the pool or in
// <applicationPoolDefaults> while the effective identityType, parsed as idv, is not
// SpecificUser. The finding is at the password. A password in <applicationPoolDefaults>
// is reported only when no pool that inherits it runs as SpecificUser: for those pools
// it is in use.
func checkUnusedPassword(f *poolFindings, pool *parse.Pool, idv schema.Value) {
	pw, ok := writtenPassword(pool)
	if !ok {
		return
	}
	at := blameSetting(pool, pw)
	if isEnum(idv, "SpecificUser") {
		f.veto(RuleUnusedPassword, at)
		return
	}
	what := fmt.Sprintf("processModel.password is set, but identityType %s does not use it", idv)
	if pw.Origin == parse.FromPoolDefaults {
		what = "processModel.password is set, but no pool that inherits it runs as SpecificUser"
	}
	f.add(RuleUnusedPassword, pool, at,
		`remove the password, or set identityType="SpecificUser" with the userName it belongs to`, what)
}

// vetoPassword keeps PC203 from reporting the password that pool uses, its own or
// inherited: the pool's identity is invalid, so the password is not known to be unused.
func vetoPassword(f *poolFindings, pool *parse.Pool) {
	if pw, ok := writtenPassword(pool); ok {
		f.veto(RuleUnusedPassword, blameSetting(pool, pw))
	}
}

// writtenPassword returns the pool's effective password when it is written in the
// pool or in <applicationPoolDefaults> and holds a password.
func writtenPassword(pool *parse.Pool) (parse.Setting, bool) {
	pw, ok := pool.Setting("processModel.password")
	return pw, ok && pw.Origin != parse.FromSchema && !passwordIsEmpty(pw.Text)
}

// passwordIsEmpty reports whether a password value holds no password: empty text, or
// an encrypted envelope with an empty payload (the schema's own default).
func passwordIsEmpty(s string) bool {
	if s == "" {
		return true
	}
	env, ok := secret.ParseEnvelope(s)
	return ok && env.IsEmpty()
}

// checkUnusedPools reports PC204 for every pool that no application runs in, at the
// pool's <add> element. Without a sites section there are no applications to judge
// by, and nothing is reported.
func checkUnusedPools(p *pass) {
	if len(p.cfg.SiteSections()) == 0 {
		return
	}
	used := map[*parse.Pool]bool{}
	for _, app := range p.cfg.Applications() {
		if app.PoolOrigin == parse.PoolUnset {
			continue
		}
		if pool := p.cfg.Pool(app.Pool); pool != nil {
			used[pool] = true
		}
	}
	for _, pool := range distinctPools(p.cfg) {
		if used[pool] {
			continue
		}
		what := fmt.Sprintf("pool %q is not used by any application", pool.Name)
		if _, v, ok := poolValue(pool, "startMode"); ok && isEnum(v, "AlwaysRunning") {
			what += ", yet startMode AlwaysRunning keeps a worker running for it"
		}
		p.report(RuleUnusedPool, pool.Doc, pool.Pos(),
			"remove the pool, or set an application's applicationPool to it", "%s", what)
	}
}
