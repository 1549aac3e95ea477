package secret

import "testing"

func TestDestination(t *testing.T) {
	tests := []struct {
		name    string
		poolctl bool
		want    Destination
	}{
		{"", false, ForIIS},
		{"auto", true, ForRun},
		{"iis", true, ForIIS},
		{"run", false, ForRun},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDestination(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Resolve(tt.poolctl); got != tt.want {
				t.Errorf("ParseDestination(%q).Resolve(%v) = %v, want %v", tt.name, tt.poolctl, got, tt.want)
			}
		})
	}
	if _, err := ParseDestination("IIS7"); err == nil {
		t.Error("ParseDestination(IIS7): no error")
	}
}

func TestHistoryValues(t *testing.T) {
	k := testKey(1)
	enc, err := k.EncryptForHistory("hunter2")
	if err != nil {
		t.Fatal(err)
	}
	if !IsHistoryValue(enc) || !IsHistoryValue(Redacted) || IsHistoryValue("hunter2") {
		t.Error("IsHistoryValue does not tell history values")
	}
	if got, err := k.DecryptHistory(enc); err != nil || got != "hunter2" {
		t.Errorf("DecryptHistory = %q, %v", got, err)
	}
	for _, v := range []string{enc, Redacted} {
		if got, err := k.Decrypt(v); err == nil || got != "" {
			t.Errorf("Decrypt(%s) = %q, %v; want ErrHistoryValue", v, got, err)
		}
	}
}
