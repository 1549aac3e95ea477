// Package identity turns an application pool's identity (processModel's identityType
// and userName) into the Linux account its workers run as: LocalSystem is root,
// LocalService and NetworkService a configurable unprivileged account, SpecificUser
// the named user of the system's user database, and ApplicationPoolIdentity a user
// id of the pool's own from a reserved range, like systemd's DynamicUser.
//
// It builds on Linux only; on other systems the package is empty.
package identity
