package printers

import (
	"bytes"
	"testing"
	"time"
)

// TestRequestsGolden writes requests in flight as poolctl requests does; -update
// rewrites the golden files in testdata/requests.
func TestRequestsGolden(t *testing.T) {
	reqs := []Request{
		{Pool: "Shop", Site: "Shop Site", App: "/", PID: 4242, Method: "POST", URL: "shop.example.com/cart/checkout?id=7", Client: "192.0.2.7", Elapsed: 31*time.Second + 250*time.Millisecond},
		{Pool: "DefaultAppPool", Site: "Default Web Site", App: "/api", Method: "GET", URL: "localhost/api/report", Client: "::1", Elapsed: 1500 * time.Microsecond},
	}
	for _, tt := range []struct {
		name string
		reqs []Request
	}{{"two", reqs}, {"none", nil}} {
		var text, js bytes.Buffer
		if err := WriteRequestsText(&text, tt.reqs); err != nil {
			t.Fatal(err)
		}
		if err := WriteRequestsJSON(&js, tt.reqs); err != nil {
			t.Fatal(err)
		}
		checkGolden(t, "requests", tt.name+".txt", text.Bytes())
		checkGolden(t, "requests", tt.name+".json", js.Bytes())
	}
}
