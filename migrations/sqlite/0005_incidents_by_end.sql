-- Incidents that overlap a range but started before it are found through their end (or
-- a NULL end while open), so that the cost of a query does not grow with history.
CREATE INDEX incidents_by_end ON incidents (ended_at);
