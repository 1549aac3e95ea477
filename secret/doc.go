// Package secret encrypts and decrypts the encrypted attributes of
// applicationHost.config, processModel.password above all, with keys that poolctl
// manages. An encrypted value keeps IIS's envelope, [enc:PROVIDER:PAYLOAD:enc], with
// poolctl's own provider name: the payload is AES-256-GCM with a fresh nonce and the
// ID of the key, so that keys can rotate. Values encrypted by IIS's own providers are
// recognised as encrypted, but only the Windows machine that wrote them can read them.
package secret
