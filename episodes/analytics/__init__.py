"""Download measurement: raw events, the counting rules, daily rollups and the dashboards."""
