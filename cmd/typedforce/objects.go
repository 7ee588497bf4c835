package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/typedforce/typedforce/internal/pull"
)

// objectsCmd lists the org's objects: name, label, custom or not, in the
// org's order.
func objectsCmd(args []string, stdout, stderr io.Writer) int {
	fs, org := newOrgFlags("typedforce objects", stderr)
	var (
		custom    = fs.Bool("custom", false, "list custom objects only")
		queryable = fs.Bool("queryable", false, "list queryable objects only (what describe pulls by default)")
	)
	cfg, version, code, ok := org.parse(fs, args, stderr)
	if !ok {
		return code
	}
	return withClient(fs.Name(), version, stderr, func(ctx context.Context, c *pull.Client) error {
		objs, err := c.Objects(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tLABEL\tCUSTOM")
		for _, o := range objs {
			if (*custom && !o.Custom) || (*queryable && !o.Queryable) || !cfg.Selects(o.Name) {
				continue
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", o.Name, strings.Join(strings.Fields(o.Label), " "), yesNo(o.Custom))
		}
		return tw.Flush()
	})
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
