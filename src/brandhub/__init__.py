"""brandhub: crowd-sourced products and social branding."""
