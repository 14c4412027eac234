"""What a partnership writes: sitegen.yaml into settings, the entry files under content/ into
entries, the schema that checks both, and YAML read safely with its mistakes told in plain words."""
