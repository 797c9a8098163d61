# monitor/: process set-up, vCPU, world switch, traps, loaders. See DESIGN.md.
