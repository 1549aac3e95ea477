// Package saferead reads files that poolctl does not control with bounds: a path
// meant to be a regular file is opened without blocking and refused when it is a
// FIFO, device, directory or socket, and every read stops at a size limit while it
// reads, so endless or hostile input cannot hang poolctl or exhaust its memory.
package saferead
