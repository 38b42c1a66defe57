"""The domain: plain Python with no ORM, web or plugin imports."""
