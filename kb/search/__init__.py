"""Search: dense and lexical retrieval, fusion, the relevance verdict, the glossary and citations."""
