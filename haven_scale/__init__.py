"""Running Haven as several replicas: what they must share safely."""
