"""The report building blocks that know schools and terms, below the apps in the layers
(docs/architecture.md): summary sections and their periods (`summary`), parameter forms
(`params`), portfolio parts (`portfolio`). The exporter registry and formats are in core
(`core.exporters`, `core.formatting`); the `reports` app, at the top, builds the pages, books,
archives and jobs from them."""
