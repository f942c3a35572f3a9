"""The staff's working day, one module per page family: the day, the chart, a course and its visits."""
