"""nanoBragg's command line: the flag table, the C's argv walk, value readers, post-parse rules, limits.

``table`` holds the branches as data (patterns, arity, targets, reader), ``readers`` the C's number
and unit reading, ``state`` the typed variables the walk fills, ``walk`` the loop and the public
entry points (:func:`~tracediff.capture.cmdline.walk.parse_argv`), ``resolve`` the C's rules after the
loop that turn the walk's raw values into a :class:`~tracediff.capture.config.NanoBraggConfig`, and
``limits`` what nanoBragg cannot run (each refusal names the flag).
"""
