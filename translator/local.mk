# translator/: see DESIGN.md. Sources are added here as the component lands.
