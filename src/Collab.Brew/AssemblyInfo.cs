// Collab.Brew: the pure domain library of collaboration brews (no I/O).
