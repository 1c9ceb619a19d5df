"""The semester evaluation report and the chart builders it shares with the screens."""
