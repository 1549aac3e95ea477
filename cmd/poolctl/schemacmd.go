package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newSchemaCmd builds "poolctl schema": the attributes of an application pool as the
// target version's schema declares them.
func newSchemaCmd(g *globalOptions) *cobra.Command {
	format := newChoice("text", "text", "json", "jsonschema")
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Print the schema of an application pool for an IIS version",
		Long: `Schema prints every attribute of an application pool (the <add> element of
<applicationPools>) that the target IIS version knows, with its dotted path, type,
default, validator, enum or flags names and the first version that has it.

--format text prints an aligned table; json prints the same facts as JSON; and
jsonschema prints a JSON Schema (draft 2020-12) of the section's JSON form.`,
		Example: `  poolctl schema
  poolctl schema --target iis8.0
  poolctl schema --format json | jq -r '.attributes[].path'
  poolctl schema --format jsonschema > applicationPools.schema.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := g.schema(g.target) // with the file's schema extensions
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			switch format.value {
			case "json":
				err = s.WriteJSON(out)
			case "jsonschema":
				err = s.WriteJSONSchema(out)
			default:
				err = writeSchemaText(out, s)
			}
			if err != nil {
				return fmt.Errorf("write schema: %w", err)
			}
			return nil
		},
	}
	format.addFlag(cmd, "format", "output format")
	return cmd
}
