package sftest

import (
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
)

// maxUploadBlob bounds the blob of a multipart upload the fake org keeps in
// memory.
const maxUploadBlob = 1 << 30

// createMultipart serves a multipart POST /sobjects/{sObject}: a JSON part
// named entity_… with the record's fields and a binary part named after a
// base64 field (VersionData, Body) with the blob, streamed in.
func (o *Org) createMultipart(r *http.Request, obj *object) response {
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		return errResponse(errorf(http.StatusBadRequest, "INVALID_MULTIPART_REQUEST", "Multipart message must include a boundary"))
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	var ms []member
	var blobField string
	var blob []byte
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return errResponse(errorf(http.StatusBadRequest, "INVALID_MULTIPART_REQUEST", "reading the multipart body: %v", err))
		}
		name := p.FormName()
		switch {
		case strings.HasPrefix(name, "entity_"):
			b, err := io.ReadAll(io.LimitReader(p, maxBody))
			if err != nil {
				return errResponse(errorf(http.StatusBadRequest, "INVALID_MULTIPART_REQUEST", "reading %s: %v", name, err))
			}
			var apiErr *apiError
			if ms, apiErr = parseObject(b, obj.name); apiErr != nil {
				return errResponse(apiErr)
			}
		default:
			f := obj.field(name)
			if f == nil || f.Type != "base64" {
				return errResponse(errorf(http.StatusBadRequest, "INVALID_FIELD",
					"No such base64 field '%s' on sobject of type %s", name, obj.name))
			}
			b, err := io.ReadAll(io.LimitReader(p, maxUploadBlob+1))
			if err != nil {
				return errResponse(errorf(http.StatusBadRequest, "INVALID_MULTIPART_REQUEST", "reading %s: %v", name, err))
			}
			if len(b) > maxUploadBlob {
				return errResponse(errorf(http.StatusRequestEntityTooLarge, "REQUEST_ENTITY_TOO_LARGE", "sftest: blob larger than the fake org keeps"))
			}
			blobField, blob = f.Name, b
		}
	}
	if ms == nil {
		return errResponse(errorf(http.StatusBadRequest, "INVALID_MULTIPART_REQUEST", "No entity part (entity_content, entity_document, …) in the multipart body"))
	}
	if blobField == "" {
		return errResponse(errorf(http.StatusBadRequest, "INVALID_MULTIPART_REQUEST", "No binary part in the multipart body"))
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	rec, _, apiErr := o.write(obj, ms, modeCreate, nil)
	if apiErr != nil {
		return errResponse(apiErr)
	}
	rec.vals[blobField] = blob
	return jsonResponse(http.StatusCreated, mustJSON(saveResult{ID: rec.id, Success: true, Errors: []string{}}))
}
