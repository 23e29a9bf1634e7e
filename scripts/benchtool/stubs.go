package main

import "context"

func downloadRows(ctx context.Context, c *config) ([]row, error) { return nil, nil }
func receiverRows(ctx context.Context, c *config) ([]row, error) { return nil, nil }
func startupRows(ctx context.Context, c *config) ([]row, error)  { return nil, nil }
func batchRows(ctx context.Context, c *config) ([]row, error)    { return nil, nil }
