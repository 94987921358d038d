"""Plotting functions: a trained Run in, a matplotlib Figure out.

Each module here holds a FIGURES dict: figure name -> (run names, plot
function). The pipeline (gen_src.builder.pipeline) trains or loads those
runs and calls the function with them, in that order.
"""
