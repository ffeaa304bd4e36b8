"""After the product ships: fulfilled pledges, verified-buyer ratings, reputation from outcomes."""
