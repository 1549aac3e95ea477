// Package parse reads IIS configuration files such as applicationHost.config.
//
// Its XML layer is a strict, hand-written reader that builds a
// github.com/beevik/etree tree and remembers, for every element, attribute,
// text, comment and processing instruction, where it stood in the source and
// how it was spelled. Document.WriteTo walks the tree and copies the original
// bytes of everything that did not change, so a document that was read and
// written without changes comes out byte for byte as it went in, and a
// changed attribute changes only the bytes of its value.
//
// The reader accepts UTF-8 with or without a byte order mark and UTF-16 with
// a byte order mark. It rejects DOCTYPE declarations, and with them entity
// declarations, so it never expands anything but the five predefined entities
// and character references.
package parse
