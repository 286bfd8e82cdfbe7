module container-hooks.local/pause

go 1.22
