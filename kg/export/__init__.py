"""Writers that turn the knowledge graph into files: RDF, GraphML, JSON, JSONL and the HTML map."""
