"""One module per artefact. Each writer takes the BuildContext and stages its files."""
