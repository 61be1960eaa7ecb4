"""nanoBragg's command line: the flag table, the C's argv walk, its value readers and the post-parse rules.

``table`` holds the branches as data (patterns, arity, targets, reader), ``readers`` the C's number
and unit reading, ``state`` the typed variables the walk fills, ``walk`` the loop and the public
entry points (:func:`~tracediff.capture.cmdline.walk.parse_argv`), ``resolve`` the C's rules after the
loop that turn the walk's raw values into a :class:`~tracediff.capture.config.NanoBraggConfig`.
"""
