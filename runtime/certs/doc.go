// Package certs finds the certificate of an https binding's TLS handshake the way
// IIS's Centralized Certificate Store does
// (https://learn.microsoft.com/iis/get-started/whats-new-in-iis-8/iis-80-centralized-ssl-certificate-support-ssl-scalability-and-manageability):
// one folder, one file per host name, chosen by the name the client sends by SNI.
//
// # Files
//
// Names are compared without regard to case. For a name, the first of these forms
// that exists is read:
//
//  1. NAME.pfx: PKCS#12, with the password of Options.PasswordFile (one password for
//     the folder, as CCS has; Reload reads the file again when it changed, and a
//     new password reads every PFX file again);
//  2. NAME.pem: the certificate chain and its private key in one PEM file;
//  3. NAME.crt and NAME.key: the PEM chain, and its PEM private key.
//
// NAME is a host ("shop.example.com"); a wildcard as CCS spells it, "_.example.com",
// which serves the names one label below example.com ("a.example.com", not
// "a.b.example.com" or "example.com"); or an IP-bound certificate, IP!PORT
// ("0.0.0.0!443", "192.0.2.10!8443", "[::]!443"), for clients that send no SNI, as
// HTTP.sys binds a certificate to IP:port (sslFlags 0; '!' stands for ':', which
// Windows file names cannot hold). Other files are ignored.
//
// # Choice
//
// A client's SNI name gets the certificate of that host, else the wildcard of its
// parent domain, else the IP-bound certificate of the address and port it connected
// to, else that of 0.0.0.0 (IPv4) or [::] (IPv6) on the port; a client without SNI
// gets the IP-bound one. No certificate fails the handshake.
//
// # Refusals
//
// A file is not used, and Open and Reload report it as a Problem, when it holds a
// private key that its group or others may read (mode & 0o077, as poolctl's key files
// are refused: run chmod 600), cannot be parsed (a PFX with another password too), has
// a key that does not match its certificate, is expired or not valid yet, or (for a
// host or wildcard file) is not for the name it is named after. A file that changes
// and cannot be used then keeps its previous certificate in service, and the Problem
// says so: a botched renewal does not take a site down.
//
// It builds on unix systems only; on other systems (Windows) the package is empty.
package certs
