"""The models of the spec, exposed as REST resources."""
