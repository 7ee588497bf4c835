package auth

import (
	"bytes"
	"testing"
)

func FuzzParseUnauthorized(f *testing.F) {
	for _, seed := range []string{
		`[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`,
		`[{"message":"This session is not valid for use with the REST API","errorCode":"INVALID_SESSION_ID"}]`,
		`[{"message":"Connected app is not attached to Agent","errorCode":"INVALID_SESSION_ID"}]`,
		`[{"message":"INVALID_HEADER_TYPE","errorCode":"INVALID_AUTH_HEADER"}]`,
		`{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}`,
		`[{"errorCode":7},{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID","fields":[]}]`,
		`[{"message":"x","errorCode":"INVALID_SESSION_ID","fields":{"odd":true}}]`,
		`[]`, `null`, ``, `[null]`, `"INVALID_SESSION_ID"`,
		`<html><body>INVALID_SESSION_ID</body></html>`,
		`[{"message":"Session expired or invalid","errorCode":"INVALID_SESS`,
		"\ufeff[{\"errorCode\":\"INVALID_SESSION_ID\"}]",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got := parseUnauthorized(body)
		if got != parseUnauthorized(bytes.Clone(body)) {
			t.Fatal("not deterministic")
		}
		if got.Refreshable && (got.Code != "INVALID_SESSION_ID" || !bytes.Contains(body, []byte("INVALID_SESSION_ID"))) {
			t.Fatalf("refreshable without INVALID_SESSION_ID: %+v", got)
		}
		if got.Code == "" && (got.Refreshable || got.Message != "") {
			t.Fatalf("a verdict without an errorCode: %+v", got)
		}
	})
}

func TestParseUnauthorized(t *testing.T) {
	for body, want := range map[string]sessionFault{
		`[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`:                          {"INVALID_SESSION_ID", "Session expired or invalid", true},
		` {"message":"m","errorCode":"INVALID_SESSION_ID"} `:                                                   {"INVALID_SESSION_ID", "m", true},
		`[{"message":"THIS SESSION IS NOT VALID FOR USE WITH THE REST API","errorCode":"INVALID_SESSION_ID"}]`: {"INVALID_SESSION_ID", "THIS SESSION IS NOT VALID FOR USE WITH THE REST API", false},
		`[{"message":"INVALID_HEADER_TYPE","errorCode":"INVALID_AUTH_HEADER"}]`:                                {"INVALID_AUTH_HEADER", "INVALID_HEADER_TYPE", false},
		`[{"errorCode":7},{"errorCode":"INVALID_SESSION_ID"}]`:                                                 {"INVALID_SESSION_ID", "", true},
		`[{"statusCode":"INVALID_SESSION_ID"}]`:                                                                {},
		"\ufeff[{\"errorCode\":\"INVALID_SESSION_ID\"}]":                                                       {"INVALID_SESSION_ID", "", true},
		`<html/>`: {},
	} {
		if got := parseUnauthorized([]byte(body)); got != want {
			t.Errorf("%s: got %+v, want %+v", body, got, want)
		}
	}
}

func TestDefaultAudience(t *testing.T) {
	for host, want := range map[string]string{
		"login.salesforce.com":                "https://login.salesforce.com",
		"test.salesforce.com":                 "https://test.salesforce.com",
		"acme--dev.sandbox.my.salesforce.com": "https://test.salesforce.com",
		"acme.my.salesforce.com":              "https://login.salesforce.com",
	} {
		if got := defaultAudience(host); got != want {
			t.Errorf("%s: %s, want %s", host, got, want)
		}
	}
}
