"""Sharded builds: services built as independent Sphinx projects (``docscenter build
--shard``), then joined into one site (``docscenter assemble``).

``plan`` says which services a shard builds and where its output goes, ``manifest`` what a
shard leaves for the assembly beside its HTML, ``links`` resolves the references a shard could
not (from the other shards' inventories), ``merge`` joins pages, inventories and search
indexes, and ``run`` drives Sphinx for both commands. The build side lives in the Sphinx
extension (:mod:`docscenter.sphinxext.partial`, ``shard``, ``assembly``).
"""
