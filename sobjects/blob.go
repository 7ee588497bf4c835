package sobjects

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/typedforce/typedforce/gen"
	"github.com/typedforce/typedforce/internal/sfapi"
)

// Blob size limits of a multipart upload (Salesforce's).
const (
	MaxContentVersionBlob int64 = 2 << 30   // ContentVersion.VersionData: 2 GB
	MaxBlob               int64 = 500 << 20 // other objects (Attachment, Document, custom base64 fields): 500 MB
)

// BlobContent is the content of a blob to upload with [UploadBlob]: its
// exact size and a way to open it from its start. Open is called once per
// attempt: once, and again when the session expires under the upload and
// the request is sent a second time, so it must return the same bytes each
// time (reopen the file, or seek back). [BlobFromReaderAt] and
// [BlobFromReadSeeker] make one.
type BlobContent struct {
	Name        string // file name of the binary part, such as "report.pdf"
	ContentType string // of the binary part; default application/octet-stream
	Size        int64  // exact number of bytes Open yields
	Open        func() (io.ReadCloser, error)
}

// BlobFromReaderAt returns the content of size bytes of r from offset 0,
// such as an *os.File; each attempt reads it again through its own
// io.SectionReader.
func BlobFromReaderAt(name string, r io.ReaderAt, size int64) BlobContent {
	return BlobContent{Name: name, Size: size, Open: func() (io.ReadCloser, error) {
		return io.NopCloser(io.NewSectionReader(r, 0, size)), nil
	}}
}

// BlobFromReadSeeker returns the content of r from its current offset to
// its end; each attempt seeks back there. r must not be read by anything
// else while the upload runs.
func BlobFromReadSeeker(name string, r io.ReadSeeker) (BlobContent, error) {
	start, err := r.Seek(0, io.SeekCurrent)
	if err != nil {
		return BlobContent{}, err
	}
	end, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return BlobContent{}, err
	}
	return BlobContent{Name: name, Size: end - start, Open: func() (io.ReadCloser, error) {
		if _, err := r.Seek(start, io.SeekStart); err != nil {
			return nil, err
		}
		return io.NopCloser(r), nil
	}}, nil
}

// UploadBlob creates a record from rec (a create shape, such as
// sfmodel.ContentVersionCreate with Title and PathOnClient) with the blob
// of content in its base64 field (VersionData for ContentVersion, Body
// for Attachment and Document), as one multipart request: POST
// /sobjects/{sObject}. The blob is streamed from content.Open, never held
// in memory, and the request carries its exact Content-Length. It returns
// the new record's id.
//
// A blob over Salesforce's limit ([MaxContentVersionBlob] for
// ContentVersion, [MaxBlob] for other objects), a negative Size, a nil
// Open or a field that is not an identifier fail with [ErrInvalidArgument]
// before anything is sent. If Open yields more or fewer than Size bytes,
// the upload fails rather than sending a truncated blob.
func UploadBlob[T any](ctx context.Context, c *Client, rec T, field string, content BlobContent, opts ...CallOption) (string, error) {
	obj, op, cfg, err := prepare[T]("upload", opts)
	if err != nil {
		return "", err
	}
	limit := MaxBlob
	if obj == "ContentVersion" {
		limit = MaxContentVersionBlob
	}
	if err := checkFieldName(op, "field", field); err != nil {
		return "", err
	}
	switch {
	case content.Open == nil:
		return "", fmt.Errorf("%w: %s: BlobContent has no Open", ErrInvalidArgument, op)
	case content.Size < 0:
		return "", fmt.Errorf("%w: %s: negative blob size %d", ErrInvalidArgument, op, content.Size)
	case content.Size > limit:
		return "", fmt.Errorf("%w: %s: blob of %d bytes; Salesforce takes at most %d for %s", ErrInvalidArgument, op, content.Size, limit, obj)
	}
	entity, err := marshalRecord(&rec)
	if err != nil {
		return "", fmt.Errorf("sobjects: %s: encoding the record: %w", op, err)
	}
	var rnd [16]byte
	_, _ = rand.Read(rnd[:])
	boundary := "typedforce-" + hex.EncodeToString(rnd[:])
	ct := content.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	name := content.Name
	if name == "" {
		name = "blob"
	}
	esc := strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "")
	head := "--" + boundary + "\r\n" +
		"Content-Disposition: form-data; name=\"" + entityPart(obj) + "\"\r\n" +
		"Content-Type: application/json\r\n\r\n" + string(entity) + "\r\n" +
		"--" + boundary + "\r\n" +
		"Content-Disposition: form-data; name=\"" + field + "\"; filename=\"" + esc.Replace(name) + "\"\r\n" +
		"Content-Type: " + esc.Replace(ct) + "\r\n\r\n"
	tail := "\r\n--" + boundary + "--\r\n"
	open := func() (io.ReadCloser, error) {
		rc, err := content.Open()
		if err != nil {
			return nil, fmt.Errorf("opening the blob: %w", err)
		}
		return &multipartBody{
			Reader: io.MultiReader(strings.NewReader(head), &exactReader{r: rc, left: content.Size}, strings.NewReader(tail)),
			c:      rc,
		}, nil
	}
	target := c.dataURL("sobjects/" + obj)
	resp, err := c.send(op, cfg, func(eds []gen.RequestEditorFn) (*http.Response, error) {
		body, err := open()
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, body)
		if err != nil {
			_ = body.Close()
			return nil, err
		}
		req.ContentLength = int64(len(head)) + content.Size + int64(len(tail))
		req.GetBody = open
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
		return c.doRequest(ctx, req, eds)
	})
	if err != nil {
		return "", err
	}
	return createdID(ctx, op, resp)
}

// entityPart names the JSON part of a multipart upload: entity_content for
// ContentVersion, entity_document for Document, entity_attachment for
// Attachment; other objects get entity_ and their lower-case name.
func entityPart(obj string) string {
	switch obj {
	case "ContentVersion":
		return "entity_content"
	}
	return "entity_" + strings.ToLower(obj)
}

// multipartBody is the body of one upload attempt; closing it closes the
// blob's reader.
type multipartBody struct {
	io.Reader
	c io.Closer
}

func (b *multipartBody) Close() error { return b.c.Close() }

// errBlobSize is the error of a blob that does not have its declared size.
var errBlobSize = errors.New("the blob's reader does not yield BlobContent.Size bytes")

// exactReader yields exactly left bytes of r, failing otherwise.
type exactReader struct {
	r    io.Reader
	left int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left == 0 {
		var one [1]byte
		if n, _ := e.r.Read(one[:]); n > 0 {
			return 0, errBlobSize
		}
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), e.left)]
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if err == io.EOF && e.left > 0 {
		return n, errBlobSize
	}
	if err == io.EOF {
		err = nil
	}
	return n, err
}

// DownloadBlob copies the blob of the base64 field of the record of type
// T with the given id (ContentVersion.VersionData, Attachment.Body, a
// custom base64 field) to w as it arrives: GET
// /sobjects/{sObject}/{id}/{field}. Memory stays flat whatever the size.
// It returns the number of bytes written; an error after some were
// written leaves w with a partial blob.
func DownloadBlob[T any](ctx context.Context, c *Client, id, field string, w io.Writer, opts ...CallOption) (int64, error) {
	obj, op, cfg, err := prepare[T]("download", opts)
	if err == nil {
		err = checkID(op, id)
	}
	if err == nil {
		err = checkFieldName(op, "field", field)
	}
	if err != nil {
		return 0, err
	}
	op += "." + field
	target := c.dataURL("sobjects/" + obj + "/" + id + "/" + field)
	resp, err := c.send(op, cfg, func(eds []gen.RequestEditorFn) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		if err != nil {
			return nil, err
		}
		return c.doRequest(ctx, req, eds)
	})
	if err != nil {
		return 0, err
	}
	defer sfapi.CloseBody(resp.Body)
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return n, fmt.Errorf("sobjects: %s: after %d bytes: %w", op, n, err)
	}
	return n, nil
}
