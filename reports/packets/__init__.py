"""Lead packets for the receiving provinces: packet.json / packet.html / packet.xlsx + MANIFEST.

`assemble.assemble_packet` builds the (masked) packet dict, `write.write_packet` validates it
against data_contracts/schemas/lead_packet.schema.json and writes the files and manifest.
"""
