module syncpoollab

go 1.19
