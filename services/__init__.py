"""The five services of the enforcement bureau; each talks to the others only through Kafka."""
