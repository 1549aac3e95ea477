package main

import (
	"bytes"
	"errors"
	"strconv"
	"strings"

	"github.com/poolctl/poolctl/runtime/frontend/h1"
)

// errFraming is a response the probe does not serve: without a Content-Length.
var errFraming = errors.New("h1floor: a response without a Content-Length")

// request reads the head in s.rest strictly and writes it anew into s.out, as poolctl
// run's writeHead does for a GET; done is false while the head is incomplete.
func (s *side) request() (done bool, err error) {
	if !bytes.Contains(s.rest, end) {
		return false, nil
	}
	s.in.Reset(s.rest)
	s.br.Reset(&s.in)
	r := &s.req
	if err := h1.ReadRequest(s.br, r); err != nil {
		return false, err
	}
	o := append(s.out[:0], r.Method...)
	o = append(append(append(o, ' '), r.URI...), " HTTP/1.1\r\nHost: "...)
	o = append(append(o, r.Host...), "\r\n"...)
	for _, f := range r.Fields {
		switch f.Name {
		case "Host", "Connection", "Keep-Alive", "Content-Length", "Transfer-Encoding", "Upgrade", "Te", "Trailer",
			"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto":
			continue
		}
		o = field(o, f.Name, f.Value)
	}
	o = field(o, "X-Forwarded-For", s.address)
	o = field(o, "X-Forwarded-Host", r.Host)
	o = field(o, "X-Forwarded-Proto", "http")
	s.out = append(o, "\r\n"...)
	return true, nil
}

// response parses the head in s.rest and writes it anew into s.out with the body;
// done is false until the whole body is there.
func (s *side) response() (done bool, err error) {
	i := bytes.Index(s.rest, end)
	if i < 0 {
		return false, nil
	}
	status, fields, _ := strings.Cut(string(s.rest[:i+2]), "\r\n")
	o := append(append(s.out[:0], status...), "\r\n"...)
	length := -1
	for fields != "" {
		var line string
		line, fields, _ = strings.Cut(fields, "\r\n")
		k, v, ok := strings.Cut(line, ":")
		if !ok || !h1.ValidName(k) {
			return false, errors.New("h1floor: a malformed response field")
		}
		k, v = h1.CanonicalName(k), strings.TrimSpace(v)
		switch k {
		case "Content-Length":
			if length, err = strconv.Atoi(v); err != nil {
				return false, err
			}
		case "Connection", "Keep-Alive":
			continue
		}
		o = field(o, k, v)
	}
	if length < 0 {
		return false, errFraming
	}
	body := s.rest[i+len(end):]
	if len(body) < length {
		return false, nil
	}
	s.out = append(append(o, "\r\n"...), body[:length]...)
	return true, nil
}

// field appends one header field to o.
func field(o []byte, k, v string) []byte {
	o = append(append(o, k...), ": "...)
	return append(append(o, v...), "\r\n"...)
}
