"""One module per screen; dialogs (``ModalScreen[T]``) live in :mod:`.dialogs`."""
