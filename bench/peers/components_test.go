package peers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/oapi-codegen/nullable"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/bench/fakeorg"
	"github.com/typedforce/typedforce/bench/peers"
	"github.com/typedforce/typedforce/gen"
	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sampleorg/picklists"
	"github.com/typedforce/typedforce/sobjects"
)

// BenchmarkComponents splits typedforce's per-request work into its parts,
// each against what the plain net/http contestant does instead, to tell
// where the overhead of the throughput figures goes:
//
//	go test -run XXX -bench Components -count 5 ./peers
func BenchmarkComponents(b *testing.B) {
	id := fakeorg.RecordID(42)
	body := []byte(`{"Phone":"(415) 555-0100","Rating":"Warm"}`)
	const server = "https://instance.invalid/services/data/v67.0"
	b.Run("request/gen", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := gen.NewUpdateRecordRequestWithBody(server, "Account", id, "application/json", bytes.NewReader(body)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("request/plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			req, err := http.NewRequest(http.MethodPatch, server+"/sobjects/Account/"+id, bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
		}
	})
	upd := sampleorg.AccountUpdate{Phone: nullable.NewNullableWithValue(peers.NewPhone), Rating: nullable.NewNullableWithValue(picklists.AccountRatingValue(peers.NewRating))}
	b.Run("encode/sampleorg.AccountUpdate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(upd); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encode/HandUpdate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(peers.HandUpdate{Phone: peers.NewPhone, Rating: peers.NewRating}); err != nil {
				b.Fatal(err)
			}
		}
	})
	rec := []byte(fakeorg.Record(1))
	b.Run("decode/sampleorg.Account", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var a sampleorg.Account
			if err := json.Unmarshal(rec, &a); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode/HandAccount", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var a peers.HandAccount
			if err := json.Unmarshal(rec, &a); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("limit-info", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sobjects.ParseLimitInfo("api-usage=18/5000")
		}
	})
	org := fakeorg.New()
	defer org.Close()
	s := auth.NewSession(auth.ClientCredentialsConfig{MyDomainURL: org.URL, ClientID: fakeorg.ClientID, ClientSecret: fakeorg.ClientSecret}.TokenSource(context.Background()))
	b.Run("session/RequestEditor", func(b *testing.B) {
		b.ReportAllocs()
		req, _ := http.NewRequest(http.MethodPatch, server+"/sobjects/Account/"+id, nil)
		for b.Loop() {
			if err := s.RequestEditor(context.Background(), req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("request/Clone", func(b *testing.B) {
		b.ReportAllocs()
		req, _ := http.NewRequest(http.MethodPatch, server+"/sobjects/Account/"+id, nil)
		req.Header.Set("Authorization", "Bearer x")
		for b.Loop() {
			_ = req.Clone(context.Background())
		}
	})
}
