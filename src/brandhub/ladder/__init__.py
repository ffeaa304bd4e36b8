"""The support ladder: proposals climb supporter stages that extend their deadline."""
