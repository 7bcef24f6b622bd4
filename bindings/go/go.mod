module nerve

go 1.19
