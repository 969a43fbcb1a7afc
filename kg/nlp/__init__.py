"""The spaCy pipeline: tokenizer, sentences, entities, relations, contributions, results."""
