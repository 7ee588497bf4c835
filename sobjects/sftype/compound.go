package sftype

// Address is the value of a compound address field, such as Account.BillingAddress.
// It is read-only: to change an address, write its component fields
// (BillingStreet, BillingCity, ...). A nil field was absent or null.
// CountryCode and StateCode are present only in orgs with state and country picklists.
type Address struct {
	City            *string  `json:"city,omitempty"`
	Country         *string  `json:"country,omitempty"`
	CountryCode     *string  `json:"countryCode,omitempty"`
	GeocodeAccuracy *string  `json:"geocodeAccuracy,omitempty"`
	Latitude        *float64 `json:"latitude,omitempty"`
	Longitude       *float64 `json:"longitude,omitempty"`
	PostalCode      *string  `json:"postalCode,omitempty"`
	State           *string  `json:"state,omitempty"`
	StateCode       *string  `json:"stateCode,omitempty"`
	Street          *string  `json:"street,omitempty"`
}

// Location is the value of a compound geolocation field. It is read-only: to
// change a location, write its component fields (the __Latitude__s and
// __Longitude__s fields of a custom geolocation). A nil field was absent or null.
type Location struct {
	Latitude  *float64 `json:"latitude,omitempty"`
	Longitude *float64 `json:"longitude,omitempty"`
}

// Attributes is the "attributes" object every record carries:
// {"type":"Account","url":"/services/data/v62.0/sobjects/Account/001..."}.
// Aggregate query rows carry only the type, "AggregateResult". The sObject
// Collections endpoints require the type on every record written.
type Attributes struct {
	Type string `json:"type"`
	URL  string `json:"url,omitempty"`
}
