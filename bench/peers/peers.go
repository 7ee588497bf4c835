// Package peers drives each contestant of the benchmarks against the
// loopback org of package fakeorg, the way its documentation tells users
// to: plain net/http with encoding/json into hand-written structs (the
// limit), typedforce, github.com/k-capehart/go-salesforce/v3,
// github.com/simpleforce/simpleforce, and the interceptor baseline.
package peers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/oapi-codegen/nullable"
	"github.com/simpleforce/simpleforce"
	"golang.org/x/oauth2"

	"github.com/typedforce/typedforce/auth"
	"github.com/typedforce/typedforce/bench/fakeorg"
	"github.com/typedforce/typedforce/bench/interceptor"
	"github.com/typedforce/typedforce/sampleorg"
	"github.com/typedforce/typedforce/sampleorg/picklists"
	"github.com/typedforce/typedforce/sobjects"
)

// APIVersion is the REST API version the contestants are configured with
// where they allow it. k-capehart keeps its default (v63.0): its query
// paging strips only its own default version from nextRecordsUrl.
const APIVersion = "67.0"

// Contestant is one way of calling the org. Get reads one Account by id
// and decodes it; Patch changes two of its fields; Query runs a SOQL query
// to its end, decoding every record, and returns how many it read. A nil
// func is a scenario the contestant has no way to do.
type Contestant struct {
	Name  string
	Get   func(ctx context.Context, id string) error
	Patch func(ctx context.Context, id string) error
	Query func(ctx context.Context, soql string) (int, error)
	// Close releases the contestant's idle connections.
	Close func()
}

// Builder makes a contestant on org. refreshToken is the refresh token of
// the org's current family, for the contestants that use one.
type Builder func(ctx context.Context, org *fakeorg.Org, refreshToken string) (*Contestant, error)

// Transport returns the HTTP transport every contestant is given (each its
// own): http.DefaultTransport's settings, but keeping up to 1,024 idle
// connections to the org, so that a storm of a thousand callers does not
// leave a thousand connections in TIME_WAIT behind it.
func Transport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 2048
	t.MaxIdleConnsPerHost = 1024
	return t
}

func client() *http.Client { return &http.Client{Transport: Transport(), Timeout: time.Minute} }

// MintToken gets an access token from org with the client credentials
// flow, for the contestants that are handed a token.
func MintToken(ctx context.Context, org *fakeorg.Org, hc *http.Client) (string, error) {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {fakeorg.ClientID}, "client_secret": {fakeorg.ClientSecret}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, org.URL+"/services/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		return "", fmt.Errorf("minting a token: %s %v", resp.Status, err)
	}
	return tok.AccessToken, nil
}

// statusError is a response a contestant did not expect.
func statusError(resp *http.Response, want int) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return fmt.Errorf("HTTP %d, want %d: %s", resp.StatusCode, want, b)
}

// finish reads what is left of a body and closes it, so that the
// connection is reused.
func finish(resp *http.Response) {
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// doer is http.Client or the interceptor.
type doer interface {
	Do(*http.Request) (*http.Response, error)
}

// plain is the net/http contestant's calls, through d with a fixed
// authorization (or none, when d authorizes).
type plain struct {
	d     doer
	base  string // instance URL + /services/data/vXX.X
	authz string
}

func (p *plain) request(ctx context.Context, method, path string, body []byte) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, p.base+path, r)
	if err != nil {
		return nil, err
	}
	if p.authz != "" {
		req.Header.Set("Authorization", p.authz)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

func (p *plain) getJSON(ctx context.Context, path string, v any) error {
	req, err := p.request(ctx, http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	resp, err := p.d.Do(req)
	if err != nil {
		return err
	}
	defer finish(resp)
	if resp.StatusCode != http.StatusOK {
		return statusError(resp, http.StatusOK)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func (p *plain) get(ctx context.Context, id string) error {
	var rec HandAccount
	if err := p.getJSON(ctx, "/sobjects/Account/"+id, &rec); err != nil {
		return err
	}
	if rec.Id == nil || *rec.Id != id {
		return errors.New("record without its id")
	}
	return nil
}

func (p *plain) patch(ctx context.Context, id string) error {
	body, err := json.Marshal(HandUpdate{Phone: NewPhone, Rating: NewRating})
	if err != nil {
		return err
	}
	req, err := p.request(ctx, http.MethodPatch, "/sobjects/Account/"+id, body)
	if err != nil {
		return err
	}
	resp, err := p.d.Do(req)
	if err != nil {
		return err
	}
	defer finish(resp)
	if resp.StatusCode != http.StatusNoContent {
		return statusError(resp, http.StatusNoContent)
	}
	return nil
}

// query reads every page of soql into page values of type P, counting
// records with n.
func queryPages[P any](ctx context.Context, p *plain, soql string, n func(*P) (int, string)) (int, error) {
	path := "/query?q=" + url.QueryEscape(soql)
	total := 0
	for {
		var page P
		if err := p.getJSON(ctx, path, &page); err != nil {
			return total, err
		}
		k, next := n(&page)
		total += k
		if next == "" {
			return total, nil
		}
		rest, ok := strings.CutPrefix(next, "/services/data/v"+APIVersion)
		if !ok {
			return total, fmt.Errorf("unexpected nextRecordsUrl %q", next)
		}
		path = rest
	}
}

// NetHTTP is plain net/http and encoding/json into [HandAccount], with a
// token minted beforehand: the limit, with no refresh at all.
func NetHTTP(ctx context.Context, org *fakeorg.Org, _ string) (*Contestant, error) {
	hc := client()
	tok, err := MintToken(ctx, org, hc)
	if err != nil {
		return nil, err
	}
	p := &plain{d: hc, base: org.URL + "/services/data/v" + APIVersion, authz: "Bearer " + tok}
	return &Contestant{
		Name:  "net/http+struct",
		Get:   p.get,
		Patch: p.patch,
		Query: func(ctx context.Context, soql string) (int, error) {
			return queryPages(ctx, p, soql, func(pg *HandPage) (int, string) { return len(pg.Records), pg.NextRecordsURL })
		},
		Close: hc.CloseIdleConnections,
	}, nil
}

// NetHTTPStream is plain net/http and encoding/json into [HandAccount],
// streamed: a json.Decoder walks to "records" and decodes one record at a
// time into a buffer reused from page to page of one query, the way
// typedforce's query iterator reads a page. It is the fastest hand-written decode of this
// module: json.Decoder.Decode of a whole page first buffers the whole body
// (2.4 MB here, in a buffer grown by doubling).
func NetHTTPStream(ctx context.Context, org *fakeorg.Org, _ string) (*Contestant, error) {
	hc := client()
	tok, err := MintToken(ctx, org, hc)
	if err != nil {
		return nil, err
	}
	p := &plain{d: hc, base: org.URL + "/services/data/v" + APIVersion, authz: "Bearer " + tok}
	return &Contestant{
		Name: "net/http+struct-stream",
		Query: func(ctx context.Context, soql string) (int, error) {
			var buf []HandAccount
			path := "/query?q=" + url.QueryEscape(soql)
			total := 0
			for {
				req, err := p.request(ctx, http.MethodGet, path, nil)
				if err != nil {
					return total, err
				}
				resp, err := p.d.Do(req)
				if err != nil {
					return total, err
				}
				if resp.StatusCode != http.StatusOK {
					err = statusError(resp, http.StatusOK)
					finish(resp)
					return total, err
				}
				clear(buf)
				var next string
				buf, next, err = streamPage(resp.Body, buf[:0])
				finish(resp)
				if err != nil {
					return total, err
				}
				total += len(buf)
				if next == "" {
					return total, nil
				}
				rest, ok := strings.CutPrefix(next, "/services/data/v"+APIVersion)
				if !ok {
					return total, fmt.Errorf("unexpected nextRecordsUrl %q", next)
				}
				path = rest
			}
		},
		Close: hc.CloseIdleConnections,
	}, nil
}

// streamPage reads a query page, appending its records to buf one by one.
func streamPage(r io.Reader, buf []HandAccount) ([]HandAccount, string, error) {
	dec := json.NewDecoder(r)
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return buf, "", fmt.Errorf("page: want an object: %v", err)
	}
	var next string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return buf, "", err
		}
		switch t {
		case "nextRecordsUrl":
			err = dec.Decode(&next)
		case "records":
			if t, err = dec.Token(); err != nil || t != json.Delim('[') {
				return buf, "", fmt.Errorf("records: want an array: %v", err)
			}
			for dec.More() {
				buf = append(buf, HandAccount{})
				if err := dec.Decode(&buf[len(buf)-1]); err != nil {
					return buf, "", err
				}
			}
			_, err = dec.Token()
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return buf, "", err
		}
	}
	return buf, next, nil
}

// Maps is plain net/http and encoding/json into map[string]any: what the
// map-based clients do before anything else.
func Maps(ctx context.Context, org *fakeorg.Org, _ string) (*Contestant, error) {
	hc := client()
	tok, err := MintToken(ctx, org, hc)
	if err != nil {
		return nil, err
	}
	p := &plain{d: hc, base: org.URL + "/services/data/v" + APIVersion, authz: "Bearer " + tok}
	return &Contestant{
		Name: "net/http+maps",
		Query: func(ctx context.Context, soql string) (int, error) {
			return queryPages(ctx, p, soql, func(pg *map[string]any) (int, string) {
				recs, _ := (*pg)["records"].([]any)
				next, _ := (*pg)["nextRecordsUrl"].(string)
				return len(recs), next
			})
		},
		Close: hc.CloseIdleConnections,
	}, nil
}

// Interceptor is net/http and hand-written structs behind the interceptor
// baseline (package interceptor), on the refresh token flow.
func Interceptor(_ context.Context, org *fakeorg.Org, refreshToken string) (*Contestant, error) {
	hc := client()
	ic := interceptor.New(hc, org.URL+"/services/oauth2/token", fakeorg.ClientID, fakeorg.ClientSecret, refreshToken)
	p := &plain{d: ic, base: org.URL + "/services/data/v" + APIVersion}
	return &Contestant{
		Name:  "interceptor",
		Get:   p.get,
		Patch: p.patch,
		Query: func(ctx context.Context, soql string) (int, error) {
			return queryPages(ctx, p, soql, func(pg *HandPage) (int, string) { return len(pg.Records), pg.NextRecordsURL })
		},
		Close: hc.CloseIdleConnections,
	}, nil
}

// NewTypedforce returns a typedforce client on org: an auth.Session on
// the refresh token flow (the org rotates refresh tokens in the Revoking
// model) and a sobjects.Client, as docs/AUTH.md wires them.
func NewTypedforce(org *fakeorg.Org, refreshToken string) (*sobjects.Client, *http.Client, error) {
	hc := client()
	src := auth.RefreshTokenConfig{
		LoginURL:     org.URL,
		ClientID:     fakeorg.ClientID,
		ClientSecret: fakeorg.ClientSecret,
		RefreshToken: refreshToken,
	}.TokenSource(context.WithValue(context.Background(), oauth2.HTTPClient, hc))
	c, err := sobjects.New(auth.NewSession(src), sobjects.WithHTTPClient(hc), sobjects.WithAPIVersion(APIVersion))
	return c, hc, err
}

// Typedforce is typedforce's typed CRUD and queries into the generated
// read shape sampleorg.Account, the type users get.
func Typedforce(_ context.Context, org *fakeorg.Org, refreshToken string) (*Contestant, error) {
	c, hc, err := NewTypedforce(org, refreshToken)
	if err != nil {
		return nil, err
	}
	upd := sampleorg.AccountUpdate{Phone: nullable.NewNullableWithValue(NewPhone), Rating: nullable.NewNullableWithValue(picklists.AccountRatingValue(NewRating))}
	return &Contestant{
		Name: "typedforce",
		Get: func(ctx context.Context, id string) error {
			rec, err := sobjects.Get[sampleorg.Account](ctx, c, id)
			if err == nil && (rec.Id == nil || *rec.Id != id) {
				err = errors.New("record without its id")
			}
			return err
		},
		Patch: func(ctx context.Context, id string) error { return sobjects.Update(ctx, c, id, upd) },
		Query: typedQuery(c, func(a *sampleorg.Account) bool { return a.Owner != nil }),
		Close: hc.CloseIdleConnections,
	}, nil
}

// typedQuery runs a query through typedforce's iterator into T and counts
// the records, each of which must have its Owner.
func typedQuery[T any](c *sobjects.Client, hasOwner func(*T) bool) func(context.Context, string) (int, error) {
	return func(ctx context.Context, soql string) (int, error) {
		n := 0
		for rec, err := range sobjects.Query[T](ctx, c, soql) {
			if err != nil {
				return n, err
			}
			if !hasOwner(&rec) {
				return n, errors.New("record without its Owner")
			}
			n++
		}
		return n, nil
	}
}

// TypedforceHand is typedforce's query iterator into [HandAccount]
// instead of the generated shape (Query takes any struct with matching
// JSON tags): it tells the cost of the client and the streaming decoder
// apart from the cost of the generated read shape.
func TypedforceHand(_ context.Context, org *fakeorg.Org, refreshToken string) (*Contestant, error) {
	c, hc, err := NewTypedforce(org, refreshToken)
	if err != nil {
		return nil, err
	}
	return &Contestant{
		Name:  "typedforce+HandAccount",
		Query: typedQuery(c, func(a *HandAccount) bool { return a.Owner != nil }),
		Close: hc.CloseIdleConnections,
	}, nil
}

// KCapehart is github.com/k-capehart/go-salesforce/v3 on the client
// credentials flow, the one flow of it that can renew a token without a
// password or a private key (it has no refresh token flow). It is given
// the same transport as the others (WithRoundTripper); its token requests
// go through http.DefaultClient, which it hardcodes.
func KCapehart(_ context.Context, org *fakeorg.Org, _ string) (*Contestant, error) {
	sf, closeIdle, err := newKCapehart(org)
	if err != nil {
		return nil, err
	}
	return &Contestant{
		Name: "k-capehart",
		// It has no typed Get: DoRequest, then the user's own decode.
		Get: func(_ context.Context, id string) error {
			resp, err := sf.DoRequest(http.MethodGet, "/sobjects/Account/"+id, nil)
			if err != nil {
				return err
			}
			defer finish(resp)
			if resp.StatusCode != http.StatusOK {
				return statusError(resp, http.StatusOK)
			}
			var rec HandAccount
			if err := json.NewDecoder(resp.Body).Decode(&rec); err != nil {
				return err
			}
			if rec.Id == nil || *rec.Id != id {
				return errors.New("record without its id")
			}
			return nil
		},
		Patch: func(_ context.Context, id string) error {
			return sf.UpdateOne("Account", KCUpdate{Id: id, Phone: NewPhone, Rating: NewRating})
		},
		Query: func(_ context.Context, soql string) (int, error) {
			var recs []KCAccount
			if err := sf.Query(soql, &recs); err != nil {
				return 0, err
			}
			if len(recs) > 0 && recs[0].Owner.Id == "" {
				return 0, errors.New("record without its Owner")
			}
			return len(recs), nil
		},
		Close: closeIdle,
	}, nil
}

// Simpleforce is github.com/simpleforce/simpleforce, logged in with an
// access token (SetSidLoc): its only login is the SOAP username-password
// one, and it never renews a session. Its records are maps.
func Simpleforce(ctx context.Context, org *fakeorg.Org, _ string) (*Contestant, error) {
	hc := client()
	tok, err := MintToken(ctx, org, hc)
	if err != nil {
		return nil, err
	}
	sf := simpleforce.NewClient(org.URL, simpleforce.DefaultClientID, APIVersion)
	sf.SetHttpClient(hc)
	sf.SetSidLoc(tok, org.URL)
	return &Contestant{
		Name: "simpleforce",
		Get: func(_ context.Context, id string) error {
			obj := sf.SObject("Account").Get(id)
			if obj == nil {
				// Get reports failures by returning nil, and nothing else.
				return errors.New("simpleforce: Get returned nil")
			}
			if obj.ID() != id {
				return errors.New("record without its id")
			}
			return nil
		},
		Patch: func(_ context.Context, id string) error {
			obj := sf.SObject("Account").Set("Id", id).Set("Phone", NewPhone).Set("Rating", NewRating)
			if obj.Update() == nil {
				return errors.New("simpleforce: Update returned nil")
			}
			return nil
		},
		Query: func(_ context.Context, soql string) (int, error) {
			n := 0
			q := soql
			for {
				res, err := sf.Query(q)
				if err != nil {
					return n, err
				}
				n += len(res.Records)
				if res.Done || res.NextRecordsURL == "" {
					return n, nil
				}
				q = res.NextRecordsURL
			}
		},
		Close: hc.CloseIdleConnections,
	}, nil
}

// QuietPeerLogs silences the standard logger, which simpleforce writes to
// on every failed request and every Update (k-capehart does not log). The
// lines are still formatted; only the writing is dropped.
func QuietPeerLogs() { log.SetOutput(io.Discard) }
